module.exports = {
  displayName: 'odk-standin',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
