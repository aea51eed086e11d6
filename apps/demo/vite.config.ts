import { defaultClientConditions, defineConfig } from "vite";

// The demo reads the packages' public entry points, from source (like the tests), so it never
// runs a stale build. Everything is bundled: no CDN, it works offline.
export default defineConfig({
  base: "./",
  resolve: { conditions: ["@micrograd/source", ...defaultClientConditions] },
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
});
