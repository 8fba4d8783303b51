#!/usr/bin/env bash
# Export one AWS account's IAM, CloudTrail and CloudWatch settings as AWS CLI JSON files,
# in the layout `art32 scan --source DIR` reads (see docs/exports.md).
#
#   lib/sources/export-aws-cli.sh [--allow-partial] DIR
#   AWS_PROFILE=audit AWS_REGION=eu-west-3 lib/sources/export-aws-cli.sh ./exports/prod
#
# Read-only: every command is a Get/List/Describe (plus GenerateCredentialReport, which
# only asks IAM to refresh the report). DIR must be new or empty; it is created 0700 and
# its files 0600 (they hold credential reports and policies).
# Checks the credentials first (sts get-caller-identity) and stops there without them.
# A command that fails (AccessDenied, throttling, …) stops the export with exit 5, its error
# text kept in its file. --allow-partial keeps going instead, lists every failed command at
# the end, and exits 0 (5 if nothing but the caller identity was exported); art32 reports a
# failed section as not collected (its rules say ERROR, never PASS).
# Exit codes: 0 exported · 2 usage, DIR not new/empty, aws or jq missing · 5 export failed.
# Environment:
#   ART32_PERSONAL_DATA_TAG_FILTERS  tag filters that select personal-data stores, one
#       `--tag-filters` value per line (default: Key=data-classification, any value; the
#       rule logging.personal-data-events then keeps the values it is configured for).
#   ART32_LOGS_REGION  region of the CloudWatch Logs group the trail delivers to
#       (default: the CLI's region).
#   ART32_REPORT_POLL  attempts to wait for the IAM credential report (default 10, ~40 s).
set -u
set -o pipefail
# Everything written here describes the account's weaknesses: private to the user.
umask 077

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
ALLOW_PARTIAL=0
DIR=""
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage ;;
    --allow-partial) ALLOW_PARTIAL=1 ;;
    -*) echo "export-aws-cli.sh: unknown option $arg" >&2; usage ;;
    *) [ -n "$DIR" ] && usage; DIR=$arg ;;
  esac
done
[ -n "$DIR" ] || usage

command -v aws >/dev/null 2>&1 || { echo "export-aws-cli.sh: the aws CLI is not installed (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)" >&2; exit 2; }
JQ=$(command -v jq 2>/dev/null || true)
if [ -z "$JQ" ] && [ $ALLOW_PARTIAL -eq 0 ]; then
  echo "export-aws-cli.sh: jq is not installed; it reads trail names, detector ids and rule names for the per-trail, GuardDuty and EventBridge files. Install jq, or pass --allow-partial to export without those files" >&2
  exit 2
fi

# DIR: new or empty, a real directory of ours, then 0700 — nobody else can plant a file or a
# symbolic link in it while the export runs, and nothing from an earlier export is mixed in.
if [ -L "$DIR" ]; then
  echo "export-aws-cli.sh: $DIR is a symbolic link: choose a real, new directory" >&2; exit 2
elif [ -e "$DIR" ]; then
  [ -d "$DIR" ] || { echo "export-aws-cli.sh: $DIR exists and is not a directory" >&2; exit 2; }
  [ -O "$DIR" ] || { echo "export-aws-cli.sh: $DIR belongs to another user: choose a new directory" >&2; exit 2; }
  if [ -n "$(ls -A "$DIR")" ]; then
    echo "export-aws-cli.sh: $DIR is not empty: choose a new directory so no file is mixed with an older export" >&2; exit 2
  fi
  chmod 700 "$DIR" || exit 2
else
  mkdir -p -m 700 "$DIR" || exit 2
fi
mkdir -m 700 "$DIR/trails" || exit 2

CHECKING_CREDENTIALS=0
failed=()   # what failed, for the summary
exported=0  # files written with data (not counting caller-identity.json)

# Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) can reorder what a
# terminal shows: shown as visible markers, as the CLI's own sanitiser does (UTF-8 bytes, C locale).
show_bidi() {
  LC_ALL=C sed -e $'s/\xe2\x80\xaa/[U+202A]/g' -e $'s/\xe2\x80\xab/[U+202B]/g' -e $'s/\xe2\x80\xac/[U+202C]/g' \
    -e $'s/\xe2\x80\xad/[U+202D]/g' -e $'s/\xe2\x80\xae/[U+202E]/g' -e $'s/\xe2\x81\xa6/[U+2066]/g' \
    -e $'s/\xe2\x81\xa7/[U+2067]/g' -e $'s/\xe2\x81\xa8/[U+2068]/g' -e $'s/\xe2\x81\xa9/[U+2069]/g' \
    -e $'s/\xe2\x80\x8e/[U+200E]/g' -e $'s/\xe2\x80\x8f/[U+200F]/g' -e $'s/\xd8\x9c/[U+061C]/g'
}
# One line of someone else's text for the terminal: no control characters (no escape sequences), bidi controls visible.
one_line() { tr '\n\r\t' '   ' | LC_ALL=C tr -d '\000-\037\177' | show_bidi | sed -e 's/^ *//' -e 's/ *$//' | cut -c1-200; }

# fail WHAT WHY: a command (or a file) could not be exported. Without --allow-partial, the
# export stops here with exit 5.
fail() {
  echo "FAILED  $1: $2" >&2
  failed+=("$1")
  if [ $ALLOW_PARTIAL -eq 0 ] && [ "$CHECKING_CREDENTIALS" -eq 0 ]; then
    echo "export stopped after a failure; the files written so far are in $DIR (the failed one holds the error). Fix the cause (permissions: docs/exports.md), or rerun into a new directory with --allow-partial to export the rest" >&2
    exit 5
  fi
}

# safe_name NAME: a trail/detector/rule name used in a file name has no path separator.
safe_name() { [[ $1 =~ ^[A-Za-z0-9._-]+$ && $1 != . && $1 != .. ]]; }

# readable_json FILE WHAT: FILE (written by `run`) holds JSON that jq can read, to derive WHAT
# from it. Says why not: jq missing (a failure of WHAT) or FILE holds an error (already listed).
readable_json() {
  if [ -z "$JQ" ]; then fail "$2" "not exported: jq is not installed (it reads $1)"; return 1; fi
  [ -s "$DIR/$1" ] || return 1
  if ! jq -e . "$DIR/$1" >/dev/null 2>&1; then
    echo "skipped $2: $1 holds an error, not data" >&2
    return 1
  fi
}

# run FILE CMD...: stdout → FILE on success; on failure FILE holds the CLI's error text
# (art32 reads "An error occurred (Code) …" as a collection error for that section).
# Temporary files come from mktemp (0600, unpredictable names) inside the private DIR.
run() {
  local file=$1; shift
  local tmp err
  tmp=$(mktemp "$DIR/.export.XXXXXX") && err=$(mktemp "$DIR/.export.XXXXXX") || { echo "export-aws-cli.sh: cannot create a temporary file in $DIR" >&2; exit 2; }
  if "$@" --output json >"$tmp" 2>"$err"; then
    mv -f "$tmp" "$DIR/$file"
    rm -f "$err"
    echo "ok      $file"
    [ "$file" = caller-identity.json ] || exported=$((exported + 1))
    return 0
  fi
  mv -f "$err" "$DIR/$file"
  rm -f "$tmp"
  # Answers that are facts about the account, not failures: kept as evidence.
  if grep -q '(NoSuchEntity)' "$DIR/$file" && [ "$file" = password-policy.json ]; then
    echo "ok      $file (NoSuchEntity: the account has no password policy; kept as evidence)"
  elif grep -q '(InvalidAccessException)' "$DIR/$file" && [ "$file" = securityhub-hub.json ]; then
    echo "ok      $file (InvalidAccessException: Security Hub is not enabled; kept as evidence)"
  elif grep -q '(InsightNotEnabledException)' "$DIR/$file"; then
    echo "ok      $file (InsightNotEnabledException: no Insights on this trail; kept as evidence)"
  elif grep -qE '\((NoSuchBucketPolicy|ObjectLockConfigurationNotFoundError|NoSuchLifecycleConfiguration)\)' "$DIR/$file" && [[ $file == trail-buckets/* ]]; then
    echo "ok      $file (the trail bucket has none; kept as evidence)"
  elif grep -qE '\((NoSuchPublicAccessBlockConfiguration|NoSuchBucketPolicy|ServerSideEncryptionConfigurationNotFoundError)\)' "$DIR/$file" && [[ $file == data-stores/bucket.* || $file == data-stores/account-public-access-block.json ]]; then
    echo "ok      $file (the bucket or account has none; kept as evidence)"
  else
    fail "$file" "$(one_line <"$DIR/$file")"
    return 1
  fi
  exported=$((exported + 1))
}

# Credentials first: without them every command would fail (after the credential report's
# polling). This one is never partial.
CHECKING_CREDENTIALS=1
if ! run caller-identity.json aws sts get-caller-identity; then
  echo "export-aws-cli.sh: no usable AWS credentials (sts get-caller-identity failed; see above): set AWS_PROFILE or run 'aws configure' / 'aws sso login'" >&2
  exit 5
fi
CHECKING_CREDENTIALS=0
run account-aliases.json       aws iam list-account-aliases
run password-policy.json       aws iam get-account-password-policy
run account-summary.json       aws iam get-account-summary
run virtual-mfa-devices.json   aws iam list-virtual-mfa-devices
run authorization-details.json aws iam get-account-authorization-details

# The credential report is generated asynchronously: ask, then poll until COMPLETE (bounded,
# and said). A refused request (AccessDenied) is not waited for: get-credential-report then
# says what is wrong (or returns a report generated earlier).
polls=${ART32_REPORT_POLL:-10}
[[ $polls =~ ^[0-9]+$ ]] || polls=10
for ((attempt = 1; attempt <= polls; attempt++)); do
  if ! state=$(aws iam generate-credential-report --query State --output text 2>&1); then
    echo "note    credential report not generated: $(printf '%s' "$state" | one_line)" >&2
    break
  fi
  [ "$state" = "COMPLETE" ] && break
  echo "wait    credential report $(printf '%s' "$state" | one_line) (attempt $attempt of $polls)"
  [ "$attempt" -lt "$polls" ] && sleep $((attempt < 5 ? attempt : 5))
done
run credential-report.json     aws iam get-credential-report

run trails.json                aws cloudtrail describe-trails --include-shadow-trails
if readable_json trails.json 'trails/*.status.json, trails/*.event-selectors.json'; then
  while IFS=$'\t' read -r name arn region; do
    safe_name "$name" || { fail "trails/$(printf '%s' "$name" | one_line)" "trail name not usable as a file name"; continue; }
    run "trails/$name.status.json"          aws cloudtrail get-trail-status --name "$arn" --region "$region"
    run "trails/$name.event-selectors.json" aws cloudtrail get-event-selectors --trail-name "$arn" --region "$region"
  done < <(jq -r '.trailList[] | [.Name, .TrailARN, .HomeRegion] | @tsv' "$DIR/trails.json")
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
# second-wave rules (docs/exports.md lists them). Same `run` contract as above; a file derived
# from another one goes through readable_json (jq present, file holds data) and safe_name.

# When the password policy last changed: IAM events are recorded in us-east-1; CloudTrail
# event history covers the last 90 days (the CLI follows NextToken itself).
run password-policy-changes.json aws cloudtrail lookup-events --region us-east-1 \
  --lookup-attributes AttributeKey=EventName,AttributeValue=UpdateAccountPasswordPolicy

# CloudTrail Insights, only for trails that have Insights selectors (DescribeTrails says so).
if readable_json trails.json 'trails/*.insight-selectors.json'; then
  while IFS=$'\t' read -r name arn region; do
    safe_name "$name" || { fail "trails/$(printf '%s' "$name" | one_line)" "trail name not usable as a file name"; continue; }
    run "trails/$name.insight-selectors.json" aws cloudtrail get-insight-selectors --trail-name "$arn" --region "$region"
  done < <(jq -r '.trailList[] | select(.HasInsightSelectors == true) | [.Name, .TrailARN, .HomeRegion] | @tsv' "$DIR/trails.json")
fi

# Threat detection and where its alerts go (logging.automated-analysis), in the CLI's region.
run guardduty-detectors.json aws guardduty list-detectors
if readable_json guardduty-detectors.json 'guardduty/*.json'; then
  mkdir -p -m 700 "$DIR/guardduty"
  while IFS= read -r id; do
    safe_name "$id" || { fail "guardduty/$(printf '%s' "$id" | one_line)" "detector id not usable as a file name"; continue; }
    run "guardduty/$id.json" aws guardduty get-detector --detector-id "$id"
  done < <(jq -r '.DetectorIds[]' "$DIR/guardduty-detectors.json")
fi
# Not subscribed = InvalidAccessException: a fact (Security Hub off), kept as evidence like NoSuchEntity.
run securityhub-hub.json aws securityhub describe-hub
run event-rules.json aws events list-rules
if readable_json event-rules.json 'event-rules/*.targets.json'; then
  mkdir -p -m 700 "$DIR/event-rules"
  while IFS= read -r rule; do
    safe_name "$rule" || { fail "event-rules/$(printf '%s' "$rule" | one_line)" "rule name not usable as a file name"; continue; }
    run "event-rules/$rule.targets.json" aws events list-targets-by-rule --rule "$rule"
  done < <(jq -r '.Rules[] | select(.State == "ENABLED" and ((.EventPattern // "") | test("\"aws\\.(guardduty|securityhub|cloudtrail)\""))) | .Name' "$DIR/event-rules.json")
fi
# Federated sign-in (auth.federated-access): SAML providers, role session lengths, and IAM Identity
# Center permission sets. Identity Center is asked in the CLI's region, or ART32_SSO_REGION when set
# (an organisation instance answers only in its management or delegated administrator account).
run saml-providers.json aws iam list-saml-providers
run roles.json aws iam list-roles
sso_args=()
[ -n "${ART32_SSO_REGION:-}" ] && sso_args=(--region "$ART32_SSO_REGION")
run sso-instances.json aws sso-admin list-instances ${sso_args[@]+"${sso_args[@]}"}
if [ -s "$DIR/sso-instances.json" ] && command -v jq >/dev/null 2>&1 && jq -e .Instances "$DIR/sso-instances.json" >/dev/null 2>&1; then
  mkdir -p "$DIR/sso"
  for instance in $(jq -r '.Instances[].InstanceArn' "$DIR/sso-instances.json"); do
    sets="sso/${instance##*/}.permission-sets.json"
    run "$sets" aws sso-admin list-permission-sets --instance-arn "$instance" ${sso_args[@]+"${sso_args[@]}"}
    jq -e .PermissionSets "$DIR/$sets" >/dev/null 2>&1 || continue
    for ps in $(jq -r '.PermissionSets[]' "$DIR/$sets"); do
      id=${ps##*/}
      ps_args=(--instance-arn "$instance" --permission-set-arn "$ps" ${sso_args[@]+"${sso_args[@]}"})
      run "sso/$id.json"                            aws sso-admin describe-permission-set "${ps_args[@]}"
      run "sso/$id.managed-policies.json"           aws sso-admin list-managed-policies-in-permission-set "${ps_args[@]}"
      run "sso/$id.inline-policy.json"              aws sso-admin get-inline-policy-for-permission-set "${ps_args[@]}"
      run "sso/$id.customer-managed-policies.json"  aws sso-admin list-customer-managed-policy-references-in-permission-set "${ps_args[@]}"
    done
  done
fi

# Trail buckets (logging.log-tamper-access, logging.retention): which trail buckets this account
# owns (list-buckets), and for those their policy, Object Lock and lifecycle. S3's "none" answers
# (NoSuchBucketPolicy, ObjectLockConfigurationNotFoundError, NoSuchLifecycleConfiguration) are facts.
run s3-buckets.json aws s3api list-buckets
if readable_json trails.json "trail-buckets/*" && readable_json s3-buckets.json "trail-buckets/*"; then
  mkdir -p -m 700 "$DIR/trail-buckets"
  for bucket in $(jq -r '[.trailList[].S3BucketName // empty] | unique | .[]' "$DIR/trails.json"); do
    safe_name "$bucket" || { fail "trail-buckets/$bucket" "bucket name not usable as a file name"; continue; }
    # A bucket this account does not list belongs to another account (a log archive): nothing to read here.
    jq -e --arg b "$bucket" 'any(.Buckets[]?; .Name == $b)' "$DIR/s3-buckets.json" >/dev/null || continue
    run "trail-buckets/$bucket.policy.json"      aws s3api get-bucket-policy --bucket "$bucket"
    run "trail-buckets/$bucket.object-lock.json" aws s3api get-object-lock-configuration --bucket "$bucket"
    run "trail-buckets/$bucket.lifecycle.json"   aws s3api get-bucket-lifecycle-configuration --bucket "$bucket"
  done
fi
# Data stores (data.* rules): every enabled Region's S3 buckets (from s3-buckets.json), DynamoDB tables,
# RDS databases and manual snapshots, EBS default encryption and public snapshots, AWS Backup recovery
# points, and the tags of buckets and tables. Files in data-stores/ (lib/sources/data-store-files.ts).
# S3's "none" answers (NoSuchPublicAccessBlockConfiguration, NoSuchBucketPolicy,
# ServerSideEncryptionConfigurationNotFoundError) are facts.
mkdir -p -m 700 "$DIR/data-stores"
run data-stores/regions.json aws ec2 describe-regions
if readable_json caller-identity.json "data-stores/account-public-access-block.json"; then
  run data-stores/account-public-access-block.json aws s3control get-public-access-block --account-id "$(jq -r .Account "$DIR/caller-identity.json")"
fi
if readable_json s3-buckets.json "data-stores/bucket.*"; then
  while IFS=$'\t' read -r bucket bucket_region; do
    safe_name "$bucket" || { fail "data-stores/bucket.$(printf '%s' "$bucket" | one_line)" "bucket name not usable as a file name"; continue; }
    b_args=()
    if [ -z "$bucket_region" ]; then
      run "data-stores/bucket.$bucket.location.json" aws s3api get-bucket-location --bucket "$bucket"
    else
      b_args=(--region "$bucket_region")
    fi
    run "data-stores/bucket.$bucket.public-access-block.json" aws s3api get-public-access-block --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
    run "data-stores/bucket.$bucket.policy-status.json"       aws s3api get-bucket-policy-status --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
    run "data-stores/bucket.$bucket.policy.json"              aws s3api get-bucket-policy --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
    run "data-stores/bucket.$bucket.acl.json"                 aws s3api get-bucket-acl --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
    run "data-stores/bucket.$bucket.encryption.json"          aws s3api get-bucket-encryption --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
    # Prints nothing when versioning was never enabled (an empty file: art32 reads it as such).
    run "data-stores/bucket.$bucket.versioning.json"          aws s3api get-bucket-versioning --bucket "$bucket" ${b_args[@]+"${b_args[@]}"}
  done < <(jq -r '.Buckets[]? | [.Name, (.BucketRegion // "")] | @tsv' "$DIR/s3-buckets.json")
fi
if readable_json data-stores/regions.json "data-stores/<region>.*"; then
  for r in $(jq -r '.Regions[].RegionName' "$DIR/data-stores/regions.json"); do
    safe_name "$r" || { fail "data-stores/$r" "region name not usable as a file name"; continue; }
    d="data-stores/$r"
    run "$d.tags.json" aws resourcegroupstaggingapi get-resources --resource-type-filters s3:bucket dynamodb:table --region "$r"
    run "$d.tables.json" aws dynamodb list-tables --region "$r"
    if readable_json "$d.tables.json" "$d.table.*"; then
      for t in $(jq -r '.TableNames[]' "$DIR/$d.tables.json"); do
        safe_name "$t" || { fail "$d.table.$t" "table name not usable as a file name"; continue; }
        run "$d.table.$t.json"                    aws dynamodb describe-table --table-name "$t" --region "$r"
        run "$d.table.$t.continuous-backups.json" aws dynamodb describe-continuous-backups --table-name "$t" --region "$r"
      done
    fi
    run "$d.db-instances.json" aws rds describe-db-instances --region "$r"
    run "$d.db-clusters.json"  aws rds describe-db-clusters --region "$r"
    run "$d.db-snapshots.json" aws rds describe-db-snapshots --snapshot-type manual --region "$r"
    if readable_json "$d.db-snapshots.json" "$d.db-snapshot.*"; then
      for id in $(jq -r '.DBSnapshots[].DBSnapshotIdentifier' "$DIR/$d.db-snapshots.json"); do
        safe_name "$id" || { fail "$d.db-snapshot.$id" "snapshot id not usable as a file name"; continue; }
        run "$d.db-snapshot.$id.attributes.json" aws rds describe-db-snapshot-attributes --db-snapshot-identifier "$id" --region "$r"
      done
    fi
    run "$d.db-cluster-snapshots.json" aws rds describe-db-cluster-snapshots --snapshot-type manual --region "$r"
    if readable_json "$d.db-cluster-snapshots.json" "$d.db-cluster-snapshot.*"; then
      for id in $(jq -r '.DBClusterSnapshots[].DBClusterSnapshotIdentifier' "$DIR/$d.db-cluster-snapshots.json"); do
        safe_name "$id" || { fail "$d.db-cluster-snapshot.$id" "snapshot id not usable as a file name"; continue; }
        run "$d.db-cluster-snapshot.$id.attributes.json" aws rds describe-db-cluster-snapshot-attributes --db-cluster-snapshot-identifier "$id" --region "$r"
      done
    fi
    run "$d.ebs-encryption-by-default.json" aws ec2 get-ebs-encryption-by-default --region "$r"
    run "$d.ebs-public-snapshots.json" aws ec2 describe-snapshots --owner-ids self --restorable-by-user-ids all --region "$r"
    run "$d.backup-protected-resources.json" aws backup list-protected-resources --region "$r"
  done
fi
# ---- end of second-wave block ------------------------------------------------------------

if [ ${#failed[@]} -gt 0 ]; then
  echo "PARTIAL export in $DIR: ${#failed[@]} failed (their sections are reported as not collected):" >&2
  for f in "${failed[@]}"; do echo "  $f" >&2; done
  if [ $exported -eq 0 ]; then
    echo "export-aws-cli.sh: nothing but the caller identity was exported" >&2
    exit 5
  fi
else
  echo "export written to $DIR (every command succeeded)"
fi
echo "next: node bin/art32.mjs scan --source $DIR"
exit 0
