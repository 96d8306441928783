module.exports = {
  displayName: 'ida-sandbox',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
