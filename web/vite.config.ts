import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@fablab/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
  },
  server: { proxy: { '/api': 'http://localhost:3000', '/ical': 'http://localhost:3000' } },
  build: { outDir: 'dist', sourcemap: false },
});
