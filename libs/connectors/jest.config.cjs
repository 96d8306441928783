module.exports = {
  displayName: 'connectors',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
