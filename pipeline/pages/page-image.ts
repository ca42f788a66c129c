/** A word on a page image: pixel box (top-left origin) and confidence 0-100. */
export interface Word {
  text: string;
  conf: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Text that came with the file (a born-digital PDF page), so the page needs no OCR. */
export interface PageText {
  text: string;
  /** Boxes in the page image's pixels. */
  words: Word[];
}

/** One page as a greyscale image at its true resolution. */
export interface PageImage {
  /** 8-bit greyscale PNG. */
  png: Buffer;
  /** The same pixels, unencoded (for the barcode reader; dropped once the page is stored). */
  grey?: { data: Buffer; width: number; height: number };
  width: number;
  height: number;
  dpi: number;
  /** The page's own text layer, when the PDF had one. */
  text?: PageText;
  /** How the image was obtained: the embedded scan as is, or rendered from the PDF. */
  source?: 'image' | 'pdf-image' | 'pdf-render';
  /** What was done to the page that an operator should know (in Norwegian), e.g. scaled down. */
  notes?: string[];
}

/** A page we could not turn into an image: the document goes to the mail room with this reason. */
export class UnreadablePageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadablePageError';
  }
}
