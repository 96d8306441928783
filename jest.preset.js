// Shared Jest settings: TypeScript through SWC (CommonJS in Jest's normal mode), our libs resolved to
// their sources via the "@mts/source" export condition, and agenda's and jose's ESM transformed too.
export default {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@mts/source', 'node', 'node-addons', 'require', 'default'] },
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(agenda|@agendajs|jose)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
};
