'use strict';
const { marked } = require('marked');

/** Renders the Markdown body to HTML. */
module.exports = async (body) => marked.parse(body);
