import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two cores: OCR-heavy integration files would only fight each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
