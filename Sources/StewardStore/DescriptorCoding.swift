import Foundation
import StewardCore

/// Descriptors are stored as canonical JSON (sorted keys), so equal descriptors compare equal as text.
public enum DescriptorCoding {
    public static func encode(_ d: ProductDescriptor) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a validated descriptor cannot fail: every field is a string, number or list of them.
        return String(decoding: (try? encoder.encode(d)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) throws(StoreError) -> ProductDescriptor {
        do { return try JSONDecoder().decode(ProductDescriptor.self, from: Data(text.utf8)) } catch {
            throw .failed("a stored descriptor could not be read")
        }
    }
}
