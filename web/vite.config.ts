import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const sharedSrc = fileURLToPath(new URL('../shared/src/', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@fablab/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/ical': 'http://localhost:3000' } },
  build: {
    outDir: 'dist',
    sourcemap: false,
    // bench/size.mjs reads the chunk graph from the manifest.
    manifest: true,
    rolldownOptions: {
      treeshake: {
        // The web takes enums, helpers and types from shared, never the TypeBox schemas the server
        // validates with. Declaring shared's modules free of side effects lets the bundler drop
        // those schemas (and TypeBox with them) from the browser's download.
        moduleSideEffects: (id: string) => !id.replaceAll('\\', '/').startsWith(sharedSrc.replaceAll('\\', '/')),
      },
    },
  },
});
