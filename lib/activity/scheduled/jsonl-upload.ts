/**
 * A JSON Lines object written to S3 as it is produced, in 8 MiB multipart parts: the
 * manifest of a day of an organisation's log files (millions of lines) never sits whole in
 * the lister's memory. Small outputs (under one part) are one PutObject.
 */
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';

/** S3's minimum part size is 5 MiB (except the last). */
export const PART_BYTES = 8 * 1024 * 1024;

export class JsonLinesUpload {
  private chunks: Buffer[] = [];
  private size = 0;
  private uploadId: string | undefined;
  private readonly parts: { ETag: string; PartNumber: number }[] = [];
  public lines = 0;
  public calls = 0;

  public constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partBytes = PART_BYTES,
  ) {}

  public async write(value: unknown): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    this.chunks.push(line);
    this.size += line.length;
    this.lines += 1;
    if (this.size >= this.partBytes) await this.flushPart();
  }

  private async flushPart(): Promise<void> {
    const body = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    if (this.uploadId === undefined) {
      this.calls += 1;
      const created = await this.s3.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: 'application/jsonl' }));
      if (!created.UploadId) throw new Error(`CreateMultipartUpload of s3://${this.bucket}/${this.key} returned no UploadId`);
      this.uploadId = created.UploadId;
    }
    const PartNumber = this.parts.length + 1;
    this.calls += 1;
    const part = await this.s3.send(new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, PartNumber, Body: body }));
    this.parts.push({ ETag: part.ETag ?? '', PartNumber });
  }

  /** Write what is left and complete the object. On failure the multipart upload is aborted. */
  public async close(): Promise<void> {
    try {
      if (this.uploadId === undefined) {
        this.calls += 1;
        await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: Buffer.concat(this.chunks, this.size), ContentType: 'application/jsonl' }));
        return;
      }
      if (this.size > 0) await this.flushPart();
      this.calls += 1;
      await this.s3.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts } }));
    } catch (error) {
      await this.abort();
      throw error;
    }
  }

  public async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    const uploadId = this.uploadId;
    this.uploadId = undefined;
    await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId })).catch(() => undefined);
  }
}
