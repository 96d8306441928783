import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import type { UploadStorage } from './ports.js';

/**
 * Uploads as plain files in `dir`, for tests and tools; the service saves uploads through the store instead
 * (store-requests.ts), which encrypts them.
 * @example const uploads = createFileUploadStorage('/tmp/uploads');
 */
export function createFileUploadStorage(dir: string): UploadStorage {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    async save(source) {
      const path = join(dir, `${randomUUID()}.upload`);
      try {
        await pipeline(source, createWriteStream(path, { mode: 0o600 }));
      } catch (err) {
        await rm(path, { force: true });
        throw err;
      }
      return { path, encrypted: false };
    },
    remove: (path) => rm(path, { force: true }),
  };
}

/** What the inspection of an upload found, without keeping any of its content. */
export interface UploadFacts {
  size: number;
  /** Contains a NUL byte or is not valid UTF-8. */
  binary: boolean;
  /** Lines with something other than whitespace (the header included). */
  nonBlankLines: number;
}

/** Looks at bytes as they pass: size, NULs, UTF-8 validity, non-blank line count. */
export function createInspector(): { transform: Transform; facts: () => UploadFacts } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const facts: UploadFacts = { size: 0, binary: false, nonBlankLines: 0 };
  let lineHasContent = false;
  let afterCr = false; // an LF right after a CR ends no second line
  const endLine = () => {
    if (lineHasContent) facts.nonBlankLines++;
    lineHasContent = false;
  };
  const scan = (chunk: Buffer) => {
    facts.size += chunk.length;
    if (facts.binary) return;
    if (chunk.includes(0)) facts.binary = true;
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      facts.binary = true;
    }
    // LF, CRLF and CR (old Mac Excel) each end a line.
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 0x0a) {
        if (!afterCr) endLine();
      } else if (b === 0x0d) endLine();
      else if (b !== 0x20 && b !== 0x09 && b !== 0x2c) lineHasContent = true;
      afterCr = b === 0x0d;
    }
  };
  const transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      scan(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      endLine();
      if (!facts.binary) {
        try {
          decoder.decode();
        } catch {
          facts.binary = true;
        }
      }
      cb();
    },
  });
  return { transform, facts: () => ({ ...facts }) };
}

/** A multer storage engine writing each file through the inspector into {@link UploadStorage}. */
export function multerUploadEngine(storage: UploadStorage): StorageEngine {
  return {
    _handleFile(_req: Request, file, cb) {
      const inspector = createInspector();
      file.stream.on('error', (err) => inspector.transform.destroy(err));
      storage.save(file.stream.pipe(inspector.transform)).then(
        (saved) => cb(null, { ...saved, size: inspector.facts().size, facts: inspector.facts() } as Partial<Express.Multer.File>),
        (err: Error) => cb(err),
      );
    },
    _removeFile(_req: Request, file, cb) {
      storage.remove(file.path).then(() => cb(null), cb);
    },
  };
}
