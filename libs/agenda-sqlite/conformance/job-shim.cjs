// The suite imports Job from Agenda's sources; the installed package exports the same class.
module.exports = { Job: require('agenda').Job };
