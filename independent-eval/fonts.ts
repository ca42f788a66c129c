/**
 * Typefaces of the independent set: Debian's font packages only (fonts-liberation,
 * fonts-freefont-ttf, fonts-urw-base35, fonts-noto-core, fonts-crosextra-carlito/caladea,
 * fonts-cmu), never the DejaVu faces that fixtures/ renders with. scripts/ensure-services.sh
 * installs them.
 */
import { existsSync } from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';

export type FontStyle = 'serif' | 'sans' | 'mono' | 'typewriter';

export interface Face {
  /** Family alias registered with the canvas. */
  family: string;
  bold: string | null;
  style: FontStyle;
  /** Debian package that ships it (for error messages). */
  pkg: string;
}

const U = '/usr/share/fonts/opentype/urw-base35';
const T = '/usr/share/fonts/truetype';

// [style, regular file, bold file, package]
const FILES: Array<[FontStyle, string, string | null, string]> = [
  ['serif', `${T}/liberation/LiberationSerif-Regular.ttf`, `${T}/liberation/LiberationSerif-Bold.ttf`, 'fonts-liberation'],
  ['serif', `${U}/NimbusRoman-Regular.otf`, `${U}/NimbusRoman-Bold.otf`, 'fonts-urw-base35'],
  ['serif', `${U}/C059-Roman.otf`, `${U}/C059-Bold.otf`, 'fonts-urw-base35'],
  ['serif', `${U}/P052-Roman.otf`, `${U}/P052-Bold.otf`, 'fonts-urw-base35'],
  ['serif', `${U}/URWBookman-Light.otf`, `${U}/URWBookman-Demi.otf`, 'fonts-urw-base35'],
  ['serif', `${T}/freefont/FreeSerif.ttf`, `${T}/freefont/FreeSerifBold.ttf`, 'fonts-freefont-ttf'],
  ['serif', `${T}/noto/NotoSerif-Regular.ttf`, `${T}/noto/NotoSerif-Bold.ttf`, 'fonts-noto-core'],
  ['serif', `${T}/crosextra/Caladea-Regular.ttf`, `${T}/crosextra/Caladea-Bold.ttf`, 'fonts-crosextra-caladea'],
  ['sans', `${T}/liberation/LiberationSans-Regular.ttf`, `${T}/liberation/LiberationSans-Bold.ttf`, 'fonts-liberation'],
  ['sans', `${U}/NimbusSans-Regular.otf`, `${U}/NimbusSans-Bold.otf`, 'fonts-urw-base35'],
  ['sans', `${U}/NimbusSansNarrow-Regular.otf`, `${U}/NimbusSansNarrow-Bold.otf`, 'fonts-urw-base35'],
  ['sans', `${U}/URWGothic-Book.otf`, `${U}/URWGothic-Demi.otf`, 'fonts-urw-base35'],
  ['sans', `${T}/freefont/FreeSans.ttf`, `${T}/freefont/FreeSansBold.ttf`, 'fonts-freefont-ttf'],
  ['sans', `${T}/noto/NotoSans-Regular.ttf`, `${T}/noto/NotoSans-Bold.ttf`, 'fonts-noto-core'],
  ['sans', `${T}/crosextra/Carlito-Regular.ttf`, `${T}/crosextra/Carlito-Bold.ttf`, 'fonts-crosextra-carlito'],
  ['mono', `${T}/liberation/LiberationMono-Regular.ttf`, `${T}/liberation/LiberationMono-Bold.ttf`, 'fonts-liberation'],
  ['mono', `${U}/NimbusMonoPS-Regular.otf`, `${U}/NimbusMonoPS-Bold.otf`, 'fonts-urw-base35'],
  ['mono', `${T}/freefont/FreeMono.ttf`, `${T}/freefont/FreeMonoBold.ttf`, 'fonts-freefont-ttf'],
  // Typewriter: Computer Modern's typewriter face and Courier-like faces, rendered with the
  // typewriter model (uneven strike, jumping baseline) by the page renderer.
  ['typewriter', `${T}/cmu/cmuntt.ttf`, `${T}/cmu/cmuntb.ttf`, 'fonts-cmu'],
  ['typewriter', `${U}/NimbusMonoPS-Regular.otf`, null, 'fonts-urw-base35'],
  ['typewriter', `${T}/freefont/FreeMono.ttf`, null, 'fonts-freefont-ttf'],
];

/** Handwriting over print (notes, signatures): URW's chancery face. */
const HAND_FILE = `${U}/Z003-MediumItalic.otf`;
export const HAND_FAMILY = 'IE Hand';

export const FONT_PACKAGES = [...new Set(FILES.map((f) => f[3]))];

let faces: Face[] | null = null;

/** Registers every face once per process; throws naming the Debian packages when files are missing. */
export function loadFaces(): Face[] {
  if (faces) return faces;
  const missing = new Set<string>();
  for (const [, reg, bold, pkg] of FILES) {
    if (!existsSync(reg) || (bold && !existsSync(bold))) missing.add(pkg);
  }
  if (!existsSync(HAND_FILE)) missing.add('fonts-urw-base35');
  if (missing.size) throw new Error(`fonts for the independent set are missing: apt-get install -y ${[...missing].join(' ')} (or run scripts/ensure-services.sh)`);
  faces = FILES.map(([style, reg, bold, pkg], i) => {
    const family = `IE ${style} ${i}`;
    GlobalFonts.registerFromPath(reg, family);
    let boldFamily: string | null = null;
    if (bold) {
      boldFamily = `${family} Bold`;
      GlobalFonts.registerFromPath(bold, boldFamily);
    }
    return { family, bold: boldFamily, style, pkg };
  });
  GlobalFonts.registerFromPath(HAND_FILE, HAND_FAMILY);
  return faces;
}

export function facesOf(style: FontStyle): Face[] {
  return loadFaces().filter((f) => f.style === style);
}
