import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

const DEFAULT_LIMITS: ZipLimits = { maxEntries: 10_000, maxTotalBytes: 4 * 1024 ** 3 };

export class BadZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadZipError';
  }
}

/** Reads every file entry of a zip held in memory, refusing bombs and odd paths. */
export function readZip(buffer: Buffer, limits: ZipLimits = DEFAULT_LIMITS): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(new BadZipError(`not a readable zip: ${err?.message ?? 'unknown error'}`));
      const entries: ZipEntry[] = [];
      let total = 0;
      zip.on('error', (e: Error) => reject(new BadZipError(`corrupt zip: ${e.message}`)));
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        if (entries.length >= limits.maxEntries) return reject(new BadZipError(`more than ${limits.maxEntries} files in zip`));
        total += entry.uncompressedSize;
        if (total > limits.maxTotalBytes) return reject(new BadZipError('zip expands beyond the size limit'));
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(new BadZipError(`cannot read ${entry.fileName}: ${e?.message}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => reject(new BadZipError(`cannot read ${entry.fileName}: ${se.message}`)));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
