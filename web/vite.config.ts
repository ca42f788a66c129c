import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Nothing may be fetched from outside at run time (the app runs where there is no internet): the
 * design system's CSS loads Source Sans 3 from NAV's CDN, so those @font-face rules are dropped here
 * and the font comes from @fontsource-variable/source-sans-3, bundled (see main.tsx and app.css).
 * The build fails if any remote url() is left in the output.
 */
function noRemoteAssets(): Plugin {
  const remoteFontFace = /@font-face\s*\{[^}]*url\(\s*["']?(?:https?:)?\/\/[^}]*\}/g;
  const remoteUrl = /url\(\s*["']?(?:https?:)?\/\/[^)]*\)|@import\s+["'](?:https?:)?\/\//;
  return {
    name: 'intake:no-remote-assets',
    enforce: 'pre',
    transform(code, id) {
      if (!/@navikt[\\/]ds-css[\\/].*\.css($|\?)/.test(id)) return null;
      return { code: code.replace(remoteFontFace, ''), map: null };
    },
    generateBundle(_options, bundle) {
      for (const [name, out] of Object.entries(bundle)) {
        const text = out.type === 'asset' ? (typeof out.source === 'string' ? out.source : name.endsWith('.css') ? Buffer.from(out.source).toString('utf8') : '') : '';
        const hit = text.match(remoteUrl);
        if (hit) this.error(`${name} still loads ${hit[0]} from outside; nothing may be fetched at run time`);
      }
    },
  };
}

// No React plugin: oxc compiles JSX with the automatic runtime; no fast refresh needed for builds.
export default defineConfig({
  root,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [noRemoteAssets()],
  build: {
    outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000, sourcemap: false,
    rollupOptions: {
      // The icon package marks modules "use client"; meaningless in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/admin': 'http://127.0.0.1:8080', '/docs': 'http://127.0.0.1:8080' } },
  logLevel: 'warn',
});
