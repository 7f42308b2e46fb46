"""Write-back: ticket keys and statuses into the documents, as files or as one pull request."""
