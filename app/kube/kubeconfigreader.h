#pragma once

#include "kube/kubeconfig.h"

// Parses one kubeconfig file's YAML (already read, size already checked) into plain
// values: types checked field by field, relative paths resolved against the file's
// directory, `*-data` decoded, names unique within the file. yaml-cpp exceptions never
// leave this function; every problem is an error "<file>: <field>: <problem>" (with line
// and column for YAML syntax errors). Used by KubeconfigLoader.
KubeconfigResult parseKubeconfigYaml(const QByteArray &yaml, const QString &fileName);
