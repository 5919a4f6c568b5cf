#pragma once

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

// Parser for the Prometheus text exposition format 0.0.4, as a pod's /metrics serves it
// (the Kubernetes Assert runtime prints plain text/plain with unlabelled gauges and
// counters). Lenient where it costs nothing: a bad line becomes an issue with its line
// and column and is skipped, the rest still counts. Bounded: input beyond the limits is
// not parsed and says so, so a hostile or runaway endpoint cannot exhaust memory.
// Pure function, any thread.

struct MetricSample
{
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
    std::optional<qint64> timestampMs;

    friend bool operator==(const MetricSample &, const MetricSample &) = default;
};

struct ExpositionIssue
{
    int line = 0; // 1-based
    int column = 0; // 1-based, in bytes
    QString message;

    QString toString() const; // "line 3, column 12: invalid escape \\x in label value"
};

struct ExpositionLimits
{
    qsizetype maxBytes = 16 * 1024 * 1024;
    qsizetype maxSamples = 200000;
    qsizetype maxLineBytes = 1024 * 1024;
    qsizetype maxIssues = 100; // further issues are counted, not kept
};

struct ExpositionResult
{
    QList<MetricSample> samples;
    QHash<QString, QString> types; // family name -> counter|gauge|histogram|summary|untyped
    QHash<QString, QString> help; // family name -> unescaped help text
    QList<ExpositionIssue> issues;
    qsizetype droppedIssues = 0;
    bool truncated = false; // a limit stopped parsing; samples hold what came before it

    // The samples named `name`, labels ignored.
    QList<MetricSample> samplesNamed(const QString &name) const;
};

ExpositionResult parseExposition(QByteArrayView text, const ExpositionLimits &limits = {});

// Parses a value as the format allows it: decimal or exponent notation, NaN, +Inf, -Inf.
std::optional<double> parseExpositionValue(QByteArrayView text);
