#!/usr/bin/env bash
# Export one AWS account's IAM, CloudTrail and CloudWatch settings as AWS CLI JSON files,
# in the layout `art32 scan --source DIR` reads (see docs/exports.md).
#
#   lib/sources/export-aws-cli.sh DIR            # uses your default profile and region
#   AWS_PROFILE=audit AWS_REGION=eu-west-3 lib/sources/export-aws-cli.sh DIR
#
# Read-only: every command is a Get/List/Describe (plus GenerateCredentialReport, which
# only asks IAM to refresh the report). One failing command (AccessDenied, …) does not stop
# the others: its error text is kept in its file, and art32 reports that section as not
# collected (rules → ERROR). Environment:
#   ART32_PERSONAL_DATA_TAG_FILTERS  tag filters that select personal-data stores, one
#       `--tag-filters` value per line (default: Key=data-classification, any value; the
#       rule logging.personal-data-events then keeps the values it is configured for).
#   ART32_LOGS_REGION  region of the CloudWatch Logs group the trail delivers to
#       (default: the CLI's region).
set -u
set -o pipefail

if [ $# -ne 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
command -v aws >/dev/null 2>&1 || { echo "export-aws-cli.sh: the aws CLI is not installed" >&2; exit 2; }

DIR=$1
mkdir -p "$DIR/trails" || exit 2
failures=0

# run FILE CMD...: stdout → FILE on success; on failure FILE holds the CLI's error text
# (art32 reads "An error occurred (Code) …" as a collection error for that section).
run() {
  local file=$1; shift
  local tmp="$DIR/.$(basename "$file").tmp" err="$DIR/.$(basename "$file").err"
  if "$@" --output json >"$tmp" 2>"$err"; then
    mv "$tmp" "$DIR/$file"
    rm -f "$err"
    echo "ok      $file"
  else
    mv "$err" "$DIR/$file"
    rm -f "$tmp"
    if grep -q '(NoSuchEntity)' "$DIR/$file" && [ "$file" = password-policy.json ]; then
      echo "ok      $file (NoSuchEntity: the account has no password policy; kept as evidence)"
      return
    fi
    if grep -q '(InvalidAccessException)' "$DIR/$file" && [ "$file" = securityhub-hub.json ]; then
      echo "ok      $file (InvalidAccessException: Security Hub is not enabled; kept as evidence)"
      return
    fi
    if grep -q '(InsightNotEnabledException)' "$DIR/$file"; then
      echo "ok      $file (InsightNotEnabledException: no Insights on this trail; kept as evidence)"
      return
    fi
    echo "FAILED  $file: $(tr '\n' ' ' <"$DIR/$file" | cut -c1-160)" >&2
    failures=$((failures + 1))
  fi
}

run caller-identity.json       aws sts get-caller-identity
run account-aliases.json       aws iam list-account-aliases
run password-policy.json       aws iam get-account-password-policy
run account-summary.json       aws iam get-account-summary
run virtual-mfa-devices.json   aws iam list-virtual-mfa-devices
run authorization-details.json aws iam get-account-authorization-details

# The credential report is generated asynchronously: ask, then poll until COMPLETE.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  state=$(aws iam generate-credential-report --query State --output text 2>/dev/null || echo FAILED)
  [ "$state" = "COMPLETE" ] && break
  sleep $((attempt < 5 ? attempt : 5))
done
run credential-report.json     aws iam get-credential-report

run trails.json                aws cloudtrail describe-trails --include-shadow-trails
if [ -s "$DIR/trails.json" ] && command -v jq >/dev/null 2>&1 && jq -e .trailList "$DIR/trails.json" >/dev/null 2>&1; then
  while IFS=$'\t' read -r name arn region; do
    run "trails/$name.status.json"          aws cloudtrail get-trail-status --name "$arn" --region "$region"
    run "trails/$name.event-selectors.json" aws cloudtrail get-event-selectors --trail-name "$arn" --region "$region"
  done < <(jq -r '.trailList[] | [.Name, .TrailARN, .HomeRegion] | @tsv' "$DIR/trails.json")
elif [ -s "$DIR/trails.json" ]; then
  echo "FAILED  trails/*: jq is needed to read trail names from trails.json; run get-trail-status and get-event-selectors per trail by hand (docs/exports.md)" >&2
  failures=$((failures + 1))
fi

LOGS_REGION=${ART32_LOGS_REGION:-}
region_args=()
[ -n "$LOGS_REGION" ] && region_args=(--region "$LOGS_REGION")
# ${a[@]+"${a[@]}"}: an empty array under `set -u` on bash < 4.4.
run log-groups.json     aws logs describe-log-groups ${region_args[@]+"${region_args[@]}"}
run metric-filters.json aws logs describe-metric-filters ${region_args[@]+"${region_args[@]}"}
run alarms.json         aws cloudwatch describe-alarms ${region_args[@]+"${region_args[@]}"}

filters=${ART32_PERSONAL_DATA_TAG_FILTERS:-Key=data-classification}
n=0
while IFS= read -r filter; do
  [ -z "$filter" ] && continue
  suffix=""
  [ $n -gt 0 ] && suffix=".$n"
  run "personal-data-resources$suffix.json" aws resourcegroupstaggingapi get-resources --tag-filters "$filter"
  n=$((n + 1))
done <<<"$filters"

# ---- second-wave rules (#17) ------------------------------------------------------------
# Files read by lib/sources/export-dir.ts for auth.passwords-predating-policy and the other
# second-wave rules (docs/exports.md lists them). Same `run` contract as above.

# When the password policy last changed: IAM events are recorded in us-east-1; CloudTrail
# event history covers the last 90 days (the CLI follows NextToken itself).
run password-policy-changes.json aws cloudtrail lookup-events --region us-east-1 \
  --lookup-attributes AttributeKey=EventName,AttributeValue=UpdateAccountPasswordPolicy

# CloudTrail Insights, only for trails that have Insights selectors (DescribeTrails says so).
if [ -s "$DIR/trails.json" ] && command -v jq >/dev/null 2>&1 && jq -e .trailList "$DIR/trails.json" >/dev/null 2>&1; then
  while IFS=$'\t' read -r name arn region; do
    run "trails/$name.insight-selectors.json" aws cloudtrail get-insight-selectors --trail-name "$arn" --region "$region"
  done < <(jq -r '.trailList[] | select(.HasInsightSelectors == true) | [.Name, .TrailARN, .HomeRegion] | @tsv' "$DIR/trails.json")
fi

# Threat detection and where its alerts go (logging.automated-analysis), in the CLI's region.
run guardduty-detectors.json aws guardduty list-detectors
if [ -s "$DIR/guardduty-detectors.json" ] && command -v jq >/dev/null 2>&1 && jq -e .DetectorIds "$DIR/guardduty-detectors.json" >/dev/null 2>&1; then
  mkdir -p "$DIR/guardduty"
  for id in $(jq -r '.DetectorIds[]' "$DIR/guardduty-detectors.json"); do
    run "guardduty/$id.json" aws guardduty get-detector --detector-id "$id"
  done
fi
# Not subscribed = InvalidAccessException: a fact (Security Hub off), kept as evidence like NoSuchEntity.
run securityhub-hub.json aws securityhub describe-hub
run event-rules.json aws events list-rules
if [ -s "$DIR/event-rules.json" ] && command -v jq >/dev/null 2>&1 && jq -e .Rules "$DIR/event-rules.json" >/dev/null 2>&1; then
  mkdir -p "$DIR/event-rules"
  while IFS= read -r rule; do
    run "event-rules/$rule.targets.json" aws events list-targets-by-rule --rule "$rule"
  done < <(jq -r '.Rules[] | select(.State == "ENABLED" and ((.EventPattern // "") | test("\"aws\\.(guardduty|securityhub|cloudtrail)\""))) | .Name' "$DIR/event-rules.json")
fi
# ---- end of second-wave block ------------------------------------------------------------

echo "export written to $DIR ($failures command(s) failed); next: node bin/art32.mjs scan --source $DIR"
exit 0
