import type { Writable } from 'node:stream';
import type { Request } from 'express';
import { ApiError } from './errors.js';
import { sendError } from './envelope.js';

/** What a multipart submission may hold besides its file. */
export interface FormLimits {
  /** The whole body, in bytes as received (a chunked body declares no length to refuse it by). */
  maxBodyBytes: number;
  /** The file field's name, and its limit in bytes (multer's `fileSize`). */
  fileField: string;
  maxFileBytes: number;
  /** The one text field that is read (the envelope); others are ignored. */
  keptField: string;
  /** Each ignored text field, in bytes: MTS ignores them, so they need no room. */
  maxIgnoredFieldBytes: number;
}

/** busboy as multer hands it to a stream handler: a writable that emits its parts. */
type Busboy = Writable & {
  on(event: 'field', listener: (name: string, value: string) => void): Busboy;
  on(event: 'file', listener: (name: string, stream: NodeJS.ReadableStream) => void): Busboy;
};

/**
 * multer's `streamHandler`: pipes the request into busboy, and refuses the form with 413 ATS-REQ-105 at once (the
 * connection closed, nothing more read) as soon as the body, the file or an ignored field passes its limit. multer
 * alone would read such a body to its end before answering, and count only the file.
 *
 * @example multer({ storage, limits, streamHandler: limitForm({ maxBodyBytes, fileField: 'csv_file', maxFileBytes, keptField: 'request', maxIgnoredFieldBytes: 65536 }) })
 */
export function limitForm(limits: FormLimits): (req: Request, busboy: Busboy) => void {
  return (req, busboy) => {
    let received = 0;
    let refused = false;
    const refuse = (error: ApiError) => {
      if (refused) return;
      refused = true;
      req.unpipe(busboy);
      refuseNow(req, error);
      // multer then removes what was stored of the file and hands the error on. Not from inside a busboy event:
      // busboy goes on using its state after emitting.
      setImmediate(() => busboy.destroy(error));
    };
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes) refuse(new ApiError('ATS-REQ-105', 'Invalid Input. Body exceeds the size limit'));
    });
    busboy.on('file', (_name, stream) => {
      // busboy signals a file past multer's fileSize; multer itself would answer only once the part has ended.
      stream.once('limit', () => refuse(new ApiError('ATS-REQ-105', `Invalid Input. ${limits.fileField} exceeds the upload limit of ${limits.maxFileBytes} bytes`)));
    });
    busboy.on('field', (name, value) => {
      if (name !== limits.keptField && Buffer.byteLength(value) > limits.maxIgnoredFieldBytes) {
        refuse(new ApiError('ATS-REQ-105', `Invalid Input. A form field other than ${limits.keptField} exceeds ${limits.maxIgnoredFieldBytes} bytes`));
      }
    });
    req.pipe(busboy);
  };
}

/** Answers now with Connection: close, so Node closes the socket once the answer is out instead of reading on. */
function refuseNow(req: Request, error: ApiError): void {
  const res = req.res;
  if (!res || res.headersSent) return;
  res.set('Connection', 'close');
  sendError(res, error);
}
