'use strict';

/**
 * event: { method, path, query, headers, body (a Buffer) }.
 * Returns { statusCode, headers, body }: a string, a Buffer, or anything JSON.
 */
module.exports = async (event) => {
  return {
    statusCode: 200,
    body: { method: event.method, path: event.path, length: event.body.length },
  };
};
