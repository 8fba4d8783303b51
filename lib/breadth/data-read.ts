/**
 * Actions that read stored data (object contents, table items, query results, secrets,
 * messages, log lines), as opposed to reading configuration or metadata. The AWS
 * access level "Read" cannot tell `s3:GetObject` from `s3:GetBucketTagging`, so this
 * list is curated by hand. The catalog build fails when a name here no longer exists
 * in the IAM data, so the list cannot rot silently.
 *
 * Why some "Write" actions are here: `rds-data:ExecuteStatement`, `athena:StartQueryExecution`,
 * `dynamodb:ExportTableToPointInTime` or `kms:Decrypt` are classed Write by AWS but are
 * the way data is read or bulk-extracted.
 */
export const DATA_READ_ACTIONS: readonly string[] = [
  // object storage
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTorrent',
  's3:GetObjectVersionTorrent',
  's3:RestoreObject',
  's3-object-lambda:GetObject',
  's3-object-lambda:GetObjectVersion',
  's3express:CreateSession',
  's3tables:GetTableData',
  'glacier:GetJobOutput',
  'ebs:GetSnapshotBlock',
  'elasticfilesystem:ClientMount',
  'backup:StartRestoreJob',
  // key-value and document stores
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:GetRecords',
  'dynamodb:ExportTableToPointInTime',
  'dax:GetItem',
  'dax:BatchGetItem',
  'dax:Query',
  'dax:Scan',
  'cassandra:Select',
  'sdb:Select',
  'sdb:GetAttributes',
  // relational, warehouse, query engines
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'rds-data:ExecuteSql',
  'rds-db:connect',
  'redshift-data:ExecuteStatement',
  'redshift-data:BatchExecuteStatement',
  'redshift-data:GetStatementResult',
  'redshift:GetClusterCredentials',
  'redshift-serverless:GetCredentials',
  'athena:StartQueryExecution',
  'athena:GetQueryResults',
  'timestream:Select',
  'qldb:SendCommand',
  'qldb:PartiQLSelect',
  'neptune-db:ReadDataViaQuery',
  'neptune-db:connect',
  'lakeformation:GetDataAccess',
  'es:ESHttpGet',
  'es:ESHttpPost',
  'aoss:APIAccessAll',
  'cloudsearch:search',
  'memorydb:connect',
  'elasticache:Connect',
  'healthlake:ReadResource',
  'healthlake:SearchWithGet',
  'healthlake:SearchWithPost',
  'medical-imaging:GetImageFrame',
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListUsers',
  // streams and queues
  'sqs:ReceiveMessage',
  'kinesis:GetRecords',
  'kinesis:SubscribeToShard',
  'kafka-cluster:ReadData',
  // logs
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:StartQuery',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  // secrets and decryption
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'kms:Decrypt',
];

/**
 * Which stores a data-read action on every resource reaches, by the service segment of the
 * stores' ARNs. By default an action reaches its own service (`s3:GetObject` → `arn:aws:s3:::…`);
 * listed here are the actions that read another service's stores (`rds-data` → `rds`) and
 * those that reach any store (`kms:Decrypt` opens whatever a key encrypts; Athena, Lake Formation
 * and AWS Backup restores read other services' data).
 */
const STORE_SERVICES: Readonly<Record<string, readonly string[] | '*'>> = {
  's3-object-lambda': ['s3'],
  s3express: ['s3express', 's3'],
  s3tables: ['s3tables', 's3'],
  ebs: ['ec2'],
  dax: ['dax', 'dynamodb'],
  'rds-data': ['rds'],
  'rds-db': ['rds'],
  'neptune-db': ['neptune-db', 'rds'],
  'redshift-data': ['redshift', 'redshift-serverless'],
  'redshift-serverless': ['redshift-serverless'],
  'kafka-cluster': ['kafka'],
  athena: '*',
  lakeformation: '*',
  backup: '*',
  kms: '*',
};

/**
 * Which stores each data-read action reaches, for one inventory: stores grouped by the service
 * segment of their ARN once, and each action's answer kept (every principal asks about the same
 * few dozen actions; the inventory may hold thousands of stores).
 */
export class StoreReach {
  private readonly byService = new Map<string, string[]>();
  private readonly byAction = new Map<string, readonly string[]>();

  public constructor(private readonly stores: readonly string[]) {
    for (const arn of stores) {
      const service = arn.split(':', 3)[2] ?? '';
      let list = this.byService.get(service);
      if (!list) this.byService.set(service, (list = []));
      list.push(arn);
    }
  }

  /** Store ARNs that the data-read `action` reaches when granted on every resource. */
  public of(action: string): readonly string[] {
    let out = this.byAction.get(action);
    if (out) return out;
    const service = action.slice(0, action.indexOf(':')).toLowerCase();
    const reach = STORE_SERVICES[service] ?? [service];
    out = reach === '*' ? this.stores : reach.flatMap((svc) => this.byService.get(svc) ?? []);
    this.byAction.set(action, out);
    return out;
  }
}
