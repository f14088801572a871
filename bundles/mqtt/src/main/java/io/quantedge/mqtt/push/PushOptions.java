package io.quantedge.mqtt.push;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Options of {@code quantedge push}. */
record PushOptions(String broker, Optional<String> gateway, Optional<String> group, int expect, Path packageFile,
                   String topicRoot, int chunkBytes, String job, int timeoutSeconds, Optional<String> username,
                   Optional<String> password, Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile,
                   Optional<String> url, boolean help) {

    static final int USAGE_ERROR = 2;

    static final String USAGE = """
            Usage: quantedge push --broker URI (--gateway ID | --group NAME [--expect N]) [options] PACKAGE.qmp

            Sends a model package to a gateway (or every gateway of a group) over MQTT and follows the
            job: chunks with their SHA-256, the chunks a gateway reports missing sent again, a progress
            bar, each state the gateway reports. Exits 0 when the job is ACTIVE everywhere, 1 when a
            gateway reports FAILED or ROLLED_BACK (with its error), 3 on timeout.

            Options:
              --broker URI         tcp://host:1883 or ssl://host:8883
              --gateway ID         the gateway's id (the second level of its topics)
              --group NAME         a group of gateways instead; --expect N says how many answer (1)
              --root TOPIC         the topics' first level (quantedge)
              --chunk-bytes N      chunk size (262144); keep it under the broker's packet limit
              --url URL            the package is on a web server (http:// or https://): the gateway
                                   downloads it and checks it against PACKAGE's size and SHA-256
              --job ID             the job id (a new random one)
              --timeout SECONDS    how long to wait for the job to finish (600)
              --username U, --password P          broker credentials
              --cafile F, --cert F, --key F       TLS: PEM CA, client certificate and PKCS#8 key
              --help               show this help
            """;

    static PushOptions parse(List<String> args) throws IllegalArgumentException {
        String broker = null;
        String gateway = null;
        String group = null;
        int expect = 1;
        Path packageFile = null;
        String root = "quantedge";
        int chunkBytes = 256 * 1024;
        String job = "push-" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
        int timeout = 600;
        String username = null;
        String password = null;
        Path ca = null;
        Path cert = null;
        Path key = null;
        String url = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--help", "-h" -> {
                    return new PushOptions(null, Optional.empty(), Optional.empty(), 1, null, root, chunkBytes, job,
                            timeout, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                            Optional.empty(), Optional.empty(), true);
                }
                case "--broker" -> broker = value(args, ++i, arg);
                case "--gateway" -> gateway = value(args, ++i, arg);
                case "--group" -> group = value(args, ++i, arg);
                case "--expect" -> expect = positive(value(args, ++i, arg), arg);
                case "--root" -> root = value(args, ++i, arg);
                case "--chunk-bytes" -> chunkBytes = positive(value(args, ++i, arg), arg);
                case "--job" -> job = value(args, ++i, arg);
                case "--timeout" -> timeout = positive(value(args, ++i, arg), arg);
                case "--username" -> username = value(args, ++i, arg);
                case "--password" -> password = value(args, ++i, arg);
                case "--cafile" -> ca = Path.of(value(args, ++i, arg));
                case "--cert" -> cert = Path.of(value(args, ++i, arg));
                case "--key" -> key = Path.of(value(args, ++i, arg));
                case "--url" -> url = value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("--") || packageFile != null) {
                        throw new IllegalArgumentException("unknown option or second package '" + arg + "'");
                    }
                    packageFile = Path.of(arg);
                }
            }
        }
        if (broker == null) {
            throw new IllegalArgumentException("--broker URI is required");
        }
        if ((gateway == null) == (group == null)) {
            throw new IllegalArgumentException("give exactly one of --gateway ID and --group NAME");
        }
        if (packageFile == null) {
            throw new IllegalArgumentException("the package file is required");
        }
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("--url must be http:// or https://, got '" + url + "'");
        }
        return new PushOptions(broker, Optional.ofNullable(gateway), Optional.ofNullable(group), expect, packageFile,
                root, chunkBytes, job, timeout, Optional.ofNullable(username), Optional.ofNullable(password),
                Optional.ofNullable(ca), Optional.ofNullable(cert), Optional.ofNullable(key), Optional.ofNullable(url),
                false);
    }

    /** {@code {root}/{gateway}/} or {@code {root}/group/{group}/}: where the update messages go. */
    String target() {
        return gateway.map(id -> topicRoot + "/" + id + "/").orElseGet(() -> topicRoot + "/group/" + group.get() + "/");
    }

    private static String value(List<String> args, int index, String option) {
        if (index >= args.size() || args.get(index).startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    private static int positive(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, got '" + text + "'");
    }
}
