import { defineConfig } from 'vite';

// A relative base makes dist/ work from any sub-path of any static host.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
  server: { fs: { strict: true } },
});
