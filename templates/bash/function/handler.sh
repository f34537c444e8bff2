#!/bin/sh
# The request body is on stdin; what this prints is the response.
# Request headers are in Http_* variables (Http_Method, Http_Path, Http_Query, ...).
body=$(cat)
echo "You said: $body"
