module.exports = {
  displayName: 'vc',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
