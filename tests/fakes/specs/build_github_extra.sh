#!/bin/bash
# Paths pmsync's GitHub adapter uses beyond /work/shared/specs/github-issues.prism-compat.openapi.json, trimmed the same
# way (see /work/shared/specs/README.md): repository permissions for doctor, org issue fields and their values.
# Usage: GH_SRC=<unzipped full/api.github.com.json.gz> ./build_github_extra.sh
set -euo pipefail
cd "$(dirname "$0")"
SPECS=${SPECS:-/work/shared/specs}
GH_SRC=${GH_SRC:?set GH_SRC to the unzipped $SPECS/full/api.github.com.json.gz}
R='/repos/{owner}/{repo}'
python3 "$SPECS/trim_openapi.py" "$GH_SRC" /tmp/github-extra.openapi.json --strip-key x-octokit \
 --info 'title=GitHub v3 REST API (pmsync extra paths)' \
 --provenance 'npm @octokit/openapi@23.0.2 generated/api.github.com.json; x-octokit stripped' \
 --path "$R:get" --path '/orgs/{org}/issue-fields:get' \
 --path "$R/issues/{issue_number}/issue-field-values:get,post"
python3 "$SPECS/trim_openapi.py" /tmp/github-extra.openapi.json github-extra.prism-compat.openapi.json \
 --path-regex '.*' --fix-nullable-without-type --indent 0 \
 --provenance 'github-extra.openapi.json with --fix-nullable-without-type'
