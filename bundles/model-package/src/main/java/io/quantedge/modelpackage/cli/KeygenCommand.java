package io.quantedge.modelpackage.cli;

import io.quantedge.api.cli.CliCommand;
import io.quantedge.modelpackage.KeyFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.security.GeneralSecurityException;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** {@code quantedge keygen}: a key pair for signing model packages. */
@Component(service = CliCommand.class, property = {
    CliCommand.NAME_PROPERTY + "=keygen",
    CliCommand.SUMMARY_PROPERTY + "=generate an Ed25519 key pair for signing model packages"
})
public final class KeygenCommand implements CliCommand {

    @Override
    public int execute(List<String> args, PrintStream out, PrintStream err) {
        KeygenOptions options;
        try {
            options = KeygenOptions.parse(args);
        } catch (CommandLineException e) {
            err.println("quantedge keygen: " + e.getMessage());
            err.print(KeygenOptions.USAGE);
            return ExitCodes.USAGE;
        }
        if (options.help()) {
            out.print(KeygenOptions.USAGE);
            return ExitCodes.OK;
        }
        try {
            String keyId = KeyFiles.generate(options.prefix());
            out.println("Private key: " + KeyFiles.privateKeyFile(options.prefix())
                    + " (secret: readable by you only; keep it off gateways)");
            out.println("Public key:  " + KeyFiles.publicKeyFile(options.prefix()));
            out.println("Key id:      " + keyId);
            out.println("A gateway trusts this key once " + KeyFiles.publicKeyFile(options.prefix()).getFileName()
                    + " is in its runtime-config/trusted-keys/ folder.");
            return ExitCodes.OK;
        } catch (FileAlreadyExistsException e) {
            err.println("quantedge keygen: " + e.getFile() + " exists already; a key file is never overwritten: "
                    + "choose another --out or remove it");
            return ExitCodes.FAILED;
        } catch (IOException | GeneralSecurityException e) {
            err.println("quantedge keygen: cannot write the key pair: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
