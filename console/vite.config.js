import { defineConfig } from 'vite';

// The console is served under /console/ (by the admin function in AWS, by the local stack's
// gateway locally), so every asset URL is relative. No source maps: they would ship in the jar.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 900,
  },
});
