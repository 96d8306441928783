module.exports = {
  displayName: 'websub',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
