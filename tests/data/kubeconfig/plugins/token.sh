#!/bin/sh
# Minimal POSIX sh exec plugin: a fixed v1beta1 token, like a static helper script.
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"secret-token-from-sh"}}\n'
