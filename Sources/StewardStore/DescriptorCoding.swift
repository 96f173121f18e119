import Foundation
import StewardCore
import Synchronization

/// Descriptors are stored as canonical JSON (sorted keys), so equal descriptors compare equal as text.
public enum DescriptorCoding {
    public static func encode(_ d: ProductDescriptor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a validated descriptor cannot fail: every field is a string, number or list of them.
        return String(decoding: (try? encoder.encode(d)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) throws(StoreError) -> ProductDescriptor {
        if let hit = decoded.withLock({ $0[text] }) { return hit }
        let descriptor: ProductDescriptor
        do { descriptor = try JSONDecoder().decode(ProductDescriptor.self, from: Data(text.utf8)) } catch {
            throw .failed("a stored descriptor could not be read")
        }
        decoded.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[text] = descriptor
        }
        return descriptor
    }

    /// Decoded descriptors by their stored text, which never changes for a version: every product
    /// page, product list and evaluation decoded the same JSON again (7% of a PostgreSQL product
    /// page's CPU). Bounded: a few MB at most, emptied when full.
    private static let decoded = Mutex<[String: ProductDescriptor]>([:])
    static let cacheLimit = 1024
}
