module.exports = {
  displayName: 'field-mapping',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
