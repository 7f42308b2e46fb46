#!/bin/bash
# Paths pmsync's GitHub adapter uses beyond github-issues.prism-compat.openapi.json (beside this script), trimmed the same
# way (see README.md here): repository permissions for doctor, org issue fields and their values;
# the git data, contents, and pulls paths of write-back as a pull request (sync/writeback/pull_request.py).
# Usage: GH_SRC=<unzipped full/api.github.com.json.gz> ./build_github_extra.sh
set -euo pipefail
cd "$(dirname "$0")"
SPECS=$(pwd)
GH_SRC=${GH_SRC:?set GH_SRC to generated/api.github.com.json of the npm package @octokit/openapi@23.0.2}
R='/repos/{owner}/{repo}'
python3 "$SPECS/trim_openapi.py" "$GH_SRC" /tmp/github-extra.openapi.json --strip-key x-octokit \
 --info 'title=GitHub v3 REST API (pmsync extra paths)' \
 --provenance 'npm @octokit/openapi@23.0.2 generated/api.github.com.json; x-octokit stripped' \
 --path "$R:get" --path '/orgs/{org}/issue-fields:get' \
 --path "$R/issues/{issue_number}/issue-field-values:get,post" \
 --path "$R/git/ref/{ref}:get" --path "$R/git/refs:post" --path "$R/git/refs/{ref}:patch" \
 --path "$R/git/commits:post" --path "$R/git/commits/{commit_sha}:get" --path "$R/git/trees:post" \
 --path "$R/contents/{path}:get" --path "$R/pulls:get,post"
python3 "$SPECS/trim_openapi.py" /tmp/github-extra.openapi.json github-extra.prism-compat.openapi.json \
 --path-regex '.*' --fix-nullable-without-type --indent 0 \
 --provenance 'github-extra.openapi.json with --fix-nullable-without-type'
