// Files kassert writes that may hold cluster data are the user's alone (0600), whatever
// the umask: the log buffer's spill file and a saved log (new, or replacing a file
// others could read). The settings file is checked in tst_settings_secrets.
#include "logs/logbuffer.h"
#include "logmodel.h"
#include "logview.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

namespace {

int modeOf(const QString &path)
{
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

QString octal(int mode)
{
    return QString::number(mode, 8);
}

// /proc/self/fd/N of each descriptor this process holds open on a file in `dir`.
QStringList openFilesIn(const QString &dir)
{
    QStringList open;
    const QDir fds("/proc/self/fd");
    for (const QString &fd : fds.entryList(QDir::System | QDir::Files | QDir::NoDotAndDotDot)) {
        const QString target = QFile::symLinkTarget(fds.filePath(fd));
        if (target.startsWith(dir + '/'))
            open << fds.filePath(fd);
    }
    return open;
}

} // namespace

class TestFilePermissions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    mode_t m_umask = 0;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        // The most common umask, which lets others read new files: permissions must
        // come from kassert, not from the umask.
        m_umask = ::umask(022);
    }

    void cleanupTestCase() { ::umask(m_umask); }

    void spillFileIsPrivate()
    {
        // The spill file goes to the temporary folder (TMPDIR); give it one of its own.
        const QString tmpDir = m_tmp.filePath("spill");
        QVERIFY(QDir().mkpath(tmpDir));
        const QByteArray oldTmp = qgetenv("TMPDIR");
        qputenv("TMPDIR", QFile::encodeName(tmpDir));
        QCOMPARE(QDir::tempPath(), tmpDir);
        {
            LogBuffer buffer(16 * 1024);
            for (int i = 0; i < 2000; ++i)
                buffer.append({QDateTime(), QString("line %1 of a pod's output").arg(i), {}, 0});
            QVERIFY2(buffer.spillError().isEmpty(), qPrintable(buffer.spillError()));
            QVERIFY(buffer.spilledLineCount() > 0);
            // Qt may make the file without a name (O_TMPFILE): find it through our open
            // descriptors, named or not, and look at the inode itself.
            const QStringList files = openFilesIn(tmpDir);
            QCOMPARE(files.size(), 1);
            QCOMPARE(octal(modeOf(files.first())), octal(0600));
            QVERIFY(QFileInfo(files.first()).size() > 0);
            QCOMPARE(buffer.text(0), QString("line 0 of a pod's output"));
        }
        // And it goes with the buffer.
        QVERIFY(openFilesIn(tmpDir).isEmpty());
        QVERIFY(QDir(tmpDir).isEmpty());
        if (oldTmp.isNull())
            qunsetenv("TMPDIR");
        else
            qputenv("TMPDIR", oldTmp);
    }

    void savedLogIsPrivate()
    {
        LogModel model;
        LogView view;
        view.setModel(&model);
        model.appendLines({{QDateTime(), "pod output with a host name"}, {QDateTime(), "second line"}});

        const QString fresh = m_tmp.filePath("new-log.txt");
        QCOMPARE(view.saveToFile(fresh), QString());
        QCOMPARE(octal(modeOf(fresh)), octal(0600));

        // Replacing a file others may read: the log in it is private all the same.
        const QString existing = m_tmp.filePath("existing-log.txt");
        QFile file(existing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("old\n");
        file.close();
        QVERIFY(QFile::setPermissions(existing,
            QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QCOMPARE(octal(modeOf(existing)), octal(0644));
        QCOMPARE(view.saveToFile(existing), QString());
        QCOMPARE(octal(modeOf(existing)), octal(0600));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("pod output with a host name\nsecond line\n"));
    }
};

QTEST_MAIN(TestFilePermissions)
#include "tst_filepermissions.moc"
