package org.fmnist.spark;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets processes listen on, read from Linux's own tables ({@code /proc/net/tcp},
 * {@code /proc/net/tcp6}) and the processes' descriptors ({@code /proc/PID/fd}), as {@code ss -ltnp} reads them.
 */
final class ListeningSockets {
    private ListeningSockets() {}

    /** One listening socket: the address as the kernel holds it (hex), and whether it is loopback only. */
    record Socket(long pid, String address, boolean loopback) {}

    /** Every socket {@code pids} listen on. */
    static List<Socket> of(Iterable<Long> pids) throws IOException {
        List<Socket> found = new ArrayList<>();
        for (long pid : pids) {
            Set<String> inodes = socketInodes(pid);
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                List<String> rows = Files.readAllLines(Path.of(table));
                for (String line : rows.subList(1, rows.size())) {
                    String[] f = line.trim().split("\\s+");
                    // f[1]: local address HEX:PORT; f[3]: state, 0A is LISTEN; f[9]: inode.
                    if (f[3].equals("0A") && inodes.contains(f[9])) {
                        String address = f[1].substring(0, f[1].indexOf(':'));
                        found.add(new Socket(pid, f[1], isLoopback(address)));
                    }
                }
            }
        }
        return found;
    }

    /**
     * 127.0.0.0/8 (IPv4, little-endian: the last byte 7F), ::1, or ::ffff:127.x.x.x; never 0.0.0.0 or ::,
     * which listen on every interface.
     */
    static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        return hex.equals("00000000000000000000000001000000") || hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F");
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listed
                }
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // the process ended meanwhile
        }
        return inodes;
    }
}
