package com.m0club.app.e2e;

import com.m0club.app.node.OracleNode;
import java.nio.file.Path;

/**
 * A dev node as its own OS process, for {@link WholeNodeCrashTest}: the test settings of {@link DevNode} on the
 * data directory given as the only argument. Prints {@code CRASHABLE-NODE admin=<port>} once started, then runs
 * until killed.
 */
public final class CrashableNodeMain {
    private CrashableNodeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CrashableNodeMain DATA_DIR");
            System.exit(2);
        }
        OracleNode node = DevNode.start(Path.of(args[0]));
        System.out.println("CRASHABLE-NODE admin=" + node.adminPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
