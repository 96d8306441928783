// Root config: every lib and app that has a jest.config.cjs is one Jest project.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const projects = ['libs', 'apps'].flatMap((dir) =>
  existsSync(join(__dirname, dir))
    ? readdirSync(join(__dirname, dir))
        .filter((name) => existsSync(join(__dirname, dir, name, 'jest.config.cjs')))
        .map((name) => `<rootDir>/${dir}/${name}/jest.config.cjs`)
    : [],
);

module.exports = {
  projects: [...projects, '<rootDir>/tools/checks/jest.config.cjs'],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.cjs'],
};
