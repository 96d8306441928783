module.exports = {
  displayName: 'sheets-standin',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
