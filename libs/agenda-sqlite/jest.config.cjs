module.exports = {
  displayName: 'agenda-sqlite',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
