import ArgumentParser
import Foundation
import VolltextIndex
import VolltextSite

/// An error as the command line reports it: one line for the person at the
/// terminal (naming the file and the flag that helps), and the exit status
/// scripts rely on. Commands throw the errors they meet; ``Volltext`` turns
/// them into this once, and ArgumentParser prints it.
struct CommandFailure: Error, LocalizedError {
    var message: String
    var status: ExitCode

    var errorDescription: String? { message }

    init(message: String, status: ExitCode) {
        (self.message, self.status) = (message, status)
    }

    /// Nil for ArgumentParser's own errors (usage, help, `ExitCode`), which it reports itself.
    init?(_ error: any Error) {
        switch error {
        case let error as CommandFailure: self = error
        case let error as IndexError: (message, status) = (Self.wording(error), .failure)
        case let error as QueryError: (message, status) = (error.localizedDescription, .validationFailure)
        case let error as SiteError: (message, status) = (error.localizedDescription, .failure)
        case let error as OutputError: (message, status) = (error.description, ExitStatus.ioError)
        case let error as InputError: (message, status) = (error.description, .failure)
        default: return nil
        }
    }

    static func wording(_ error: IndexError) -> String {
        switch error {
        case let .noIndex(path): "no index at \(path): run `volltext index SITE` first"
        case let .notAnIndex(path): "\(path) is not a Volltext index; choose another file with --db"
        case let .corrupt(path): "\(path) is damaged or not a database; delete it and run `volltext index SITE`"
        case let .newerFormat(path): "\(path) was made by a newer Volltext; update Volltext or rebuild with --rebuild"
        case let .olderFormat(path): "\(path) was made by an older Volltext; run `volltext index SITE` to update it"
        case let .readOnly(path): "cannot write \(path): the file or its folder is read-only"
        case let .diskFull(path): "cannot write \(path): the disk is full; the previous index is unchanged"
        case let .busy(path):
            "\(path) stayed locked by another index run for longer than --busy-timeout; the index is unchanged"
        case let .database(path, reason): "\(path): \(reason)"
        }
    }
}
