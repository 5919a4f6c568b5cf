#pragma once

#include <QByteArray>
#include <QString>

// A Kubernetes `Status` object as the API server sends it with every failure
// (`{"kind":"Status","status":"Failure","reason":"NotFound","message":…,"code":404}`).
// Parsing is tolerant: proxies and load balancers in front of the API server answer
// with HTML or plain text, so a body that is not a Status still yields a short,
// printable message that can be shown to the user verbatim.
struct KubeStatus
{
    bool isStatus = false; // the body was a JSON object of kind Status
    int code = 0; // "code", 0 when absent
    QString status; // "Success" or "Failure"
    QString reason; // "NotFound", "Forbidden", "Expired", … (may be empty)
    QString message; // the server's message, or a sanitized excerpt of the body
};

// Parses a response body; never fails. For a non-Status body, message is the first
// `maxChars` characters of its text with markup and control characters removed.
KubeStatus parseKubeStatus(const QByteArray &body, int maxChars = 200);

// The body as a single printable line: HTML tags dropped, control characters and
// runs of white space collapsed to one space, cut at maxChars with "…".
QString sanitizedExcerpt(const QByteArray &body, int maxChars = 200);
