import { defineConfig } from 'vitest/config';

const integration = ['test/integration/**/*.test.ts'];
const projects = [
  {
    test: {
      name: 'unit',
      include: ['test/unit/**/*.test.ts'],
    },
  },
  {
    test: {
      name: 'pglite',
      include: integration,
      env: { MOTCUA_TEST_DB: 'pglite' },
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  },
];
if (process.env.DATABASE_URL) {
  projects.push({
    test: {
      name: 'postgres',
      include: integration,
      env: { MOTCUA_TEST_DB: 'postgres' },
      fileParallelism: false,
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  });
}

export default defineConfig({
  test: {
    projects,
    fileParallelism: false,
  },
});
