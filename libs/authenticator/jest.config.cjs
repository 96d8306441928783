module.exports = {
  displayName: 'authenticator',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
