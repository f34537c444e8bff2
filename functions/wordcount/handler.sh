#!/bin/sh
# wordcount: lines, words and bytes of the body, as `wc` prints them (fprocess is `wc`).
exec wc
