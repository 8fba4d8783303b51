/**
 * Two S3 buckets behind aws-sdk-client-mock, answering as the S3 API reference documents:
 * ListObjectsV2 pages of at most `pageSize` keys (IsTruncated / NextContinuationToken,
 * CommonPrefixes with a Delimiter), GetObject bodies as Node streams, NoSuchKey for a
 * missing key, ExpectedBucketOwner refused with AccessDenied when it is not the owner,
 * PutObject and multipart uploads stored. Faults are injected per key or prefix.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeBucket {
  owner: string;
  objects: Map<string, Buffer>;
}

export function s3Error(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

export class S3Buckets {
  public readonly client = new S3Client({ region: 'eu-west-3', maxAttempts: 1 });
  public readonly mock = mockClient(this.client);
  public readonly buckets = new Map<string, FakeBucket>();
  /** Failures by `bucket/key` or `bucket/prefix` (a listing), thrown instead of the answer. */
  public readonly faults = new Map<string, Error>();
  public pageSize = 1000;
  private readonly uploads = new Map<string, { bucket: string; key: string; parts: Buffer[] }>();

  public constructor() {
    this.mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string; Delimiter?: string; ContinuationToken?: string; ExpectedBucketOwner?: string }) => {
      const bucket = this.bucket(input.Bucket, input.ExpectedBucketOwner);
      const prefix = input.Prefix ?? '';
      const fault = this.faults.get(`${input.Bucket}/${prefix}`);
      if (fault) throw fault;
      const keys = [...bucket.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const entries: { key?: string; common?: string }[] = [];
      const commons = new Set<string>();
      for (const key of keys) {
        const rest = key.slice(prefix.length);
        const cut = input.Delimiter ? rest.indexOf(input.Delimiter) : -1;
        if (cut >= 0) {
          const common = prefix + rest.slice(0, cut + 1);
          if (!commons.has(common)) {
            commons.add(common);
            entries.push({ common });
          }
        } else entries.push({ key });
      }
      const start = input.ContinuationToken ? Number(input.ContinuationToken.slice('token-'.length)) : 0;
      const page = entries.slice(start, start + this.pageSize);
      const truncated = start + this.pageSize < entries.length;
      return {
        Name: input.Bucket,
        Prefix: prefix,
        KeyCount: page.length,
        MaxKeys: this.pageSize,
        IsTruncated: truncated,
        ...(truncated ? { NextContinuationToken: `token-${start + this.pageSize}` } : {}),
        ...(page.some((e) => e.key) ? { Contents: page.filter((e) => e.key).map((e) => ({ Key: e.key, Size: bucket.objects.get(e.key as string)?.length ?? 0, StorageClass: 'STANDARD' })) } : {}),
        ...(page.some((e) => e.common) ? { CommonPrefixes: page.filter((e) => e.common).map((e) => ({ Prefix: e.common })) } : {}),
      };
    });
    this.mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string; ExpectedBucketOwner?: string }) => {
      const bucket = this.bucket(input.Bucket, input.ExpectedBucketOwner);
      const fault = this.faults.get(`${input.Bucket}/${input.Key}`);
      if (fault) throw fault;
      const body = bucket.objects.get(input.Key);
      if (!body) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
      return { Body: Readable.from([body]), ContentLength: body.length };
    });
    this.mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string | Buffer }) => {
      this.bucket(input.Bucket).objects.set(input.Key, Buffer.from(input.Body));
      return { ETag: '"e"' };
    });
    this.mock.on(CreateMultipartUploadCommand).callsFake((input: { Bucket: string; Key: string }) => {
      const id = `upload-${this.uploads.size + 1}`;
      this.uploads.set(id, { bucket: input.Bucket, key: input.Key, parts: [] });
      return { UploadId: id, Bucket: input.Bucket, Key: input.Key };
    });
    this.mock.on(UploadPartCommand).callsFake((input: { UploadId: string; PartNumber: number; Body: Buffer }) => {
      const upload = this.uploads.get(input.UploadId);
      if (!upload) throw s3Error('NoSuchUpload', 404);
      upload.parts[input.PartNumber - 1] = Buffer.from(input.Body);
      return { ETag: `"part-${input.PartNumber}"` };
    });
    this.mock.on(CompleteMultipartUploadCommand).callsFake((input: { UploadId: string }) => {
      const upload = this.uploads.get(input.UploadId);
      if (!upload) throw s3Error('NoSuchUpload', 404);
      this.bucket(upload.bucket).objects.set(upload.key, Buffer.concat(upload.parts));
      this.uploads.delete(input.UploadId);
      return {};
    });
    this.mock.on(AbortMultipartUploadCommand).callsFake((input: { UploadId: string }) => {
      this.uploads.delete(input.UploadId);
      return {};
    });
  }

  public add(name: string, owner: string): FakeBucket {
    const bucket = { owner, objects: new Map<string, Buffer>() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  private bucket(name: string, expectedOwner?: string): FakeBucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw s3Error('NoSuchBucket', 404, 'The specified bucket does not exist');
    if (expectedOwner !== undefined && expectedOwner !== bucket.owner) throw s3Error('AccessDenied', 403, 'Access Denied');
    return bucket;
  }

  public get openUploads(): number {
    return this.uploads.size;
  }
}
