'use strict';

/** Gets the request body as a string; returns the response (a string, or anything JSON). */
module.exports = async (body) => {
  return { status: 'ok', received: body };
};
