package io.github.blurdm.blurdm.cli;

import picocli.CommandLine;

/** Reports the jar's implementation version (or "development build"). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = BlurdmCli.class.getPackage().getImplementationVersion();
        return new String[] {"blurdm " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
