/** One page as a greyscale image at its true resolution. */
export interface PageImage {
  /** 8-bit greyscale PNG. */
  png: Buffer;
  width: number;
  height: number;
  dpi: number;
}

/** A page we could not turn into an image: the document goes to the mail room with this reason. */
export class UnreadablePageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadablePageError';
  }
}
