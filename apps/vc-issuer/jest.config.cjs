module.exports = {
  displayName: 'vc-issuer',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
