module.exports = {
  displayName: 'callback',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
