module.exports = {
  displayName: 'websub-hub',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
